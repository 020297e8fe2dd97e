#include "crypto/process_cipher.h"

namespace onetable {
namespace {

std::unique_ptr<FieldCipher>& Slot() {
  static std::unique_ptr<FieldCipher> cipher;
  return cipher;
}

Status& Error() {
  static Status error;
  return error;
}

}  // namespace

void InstallProcessCipher(std::unique_ptr<FieldCipher> cipher) {
  Slot() = std::move(cipher);
  Error() = Status::Ok();
}
const FieldCipher* ProcessCipher() { return Slot().get(); }
void SetProcessCipherError(Status error) { Error() = std::move(error); }
const Status& ProcessCipherError() { return Error(); }

}  // namespace onetable
