// The cipher of this process: installed once at startup, from the configuration, by the
// command line (cli/verbs.cc) before any store is opened; OpenStore (store/store.h) hands it
// to every store it opens. Null (the default, and with `encryption: false`): values are stored
// in clear, and reading an encrypted value is refused with a message saying so.
//
// Thread-safety: install before starting threads; reading it is then safe from any thread.
#ifndef ONETABLE_CRYPTO_PROCESS_CIPHER_H_
#define ONETABLE_CRYPTO_PROCESS_CIPHER_H_

#include <memory>

#include "crypto/field_cipher.h"

namespace onetable {

void InstallProcessCipher(std::unique_ptr<FieldCipher> cipher);
const FieldCipher* ProcessCipher();

// Why the configured keys could not be loaded (a missing or malformed key file): OpenStore
// returns it instead of opening a store that would write in clear. OK when none; installing a
// cipher clears it.
void SetProcessCipherError(Status error);
const Status& ProcessCipherError();

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_PROCESS_CIPHER_H_
