#include "crypto/process_cipher.h"

namespace onetable {
namespace {
std::unique_ptr<FieldCipher>& Slot() {
  static std::unique_ptr<FieldCipher> cipher;
  return cipher;
}
}  // namespace

void InstallProcessCipher(std::unique_ptr<FieldCipher> cipher) { Slot() = std::move(cipher); }
const FieldCipher* ProcessCipher() { return Slot().get(); }

}  // namespace onetable
