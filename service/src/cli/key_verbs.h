// `onetable key rotate [--batch N]`: moves every encrypted value of the store to a new data key
// (crypto/data_keys.h). It appends a new key to the key file, then re-encrypts in batches of N
// (default 500), one transaction each, printing progress after every batch. Killed half-way, the
// next `key rotate` resumes the same pass under the same newest key (nothing is stale once every
// value is under it). With keys from data_key_env the operator adds the key to the variable
// himself; the verb then only re-encrypts. Audited (action key_rotate).
//
// Thread-safety: a CLI verb, one thread.
#ifndef ONETABLE_CLI_KEY_VERBS_H_
#define ONETABLE_CLI_KEY_VERBS_H_

#include <string>
#include <vector>

#include "app/config.h"

namespace onetable {

int RunKey(const Config& config, const std::vector<std::string>& args);

}  // namespace onetable

#endif  // ONETABLE_CLI_KEY_VERBS_H_
