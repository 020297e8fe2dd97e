// Problem: why one value failed validation, as a stable machine code plus a Chinese message for
// the worker who typed it (e.g. {"id_checksum", "身份证号校验位错误"}). Validators return
// std::optional<Problem>: empty means the value is valid.
#ifndef ONETABLE_MODEL_PROBLEM_H_
#define ONETABLE_MODEL_PROBLEM_H_

#include <string>

namespace onetable {

struct Problem {
  std::string code;     // stable, English, snake_case: "id_checksum", "phone_format", ...
  std::string message;  // Simplified Chinese, for people
};

// One entry of an error's "details": which field (or parameter) is at fault and why.
struct ErrorDetail {
  std::string field;    // catalog key or request parameter; may be empty
  std::string code;     // stable, English, snake_case
  std::string message;  // Simplified Chinese
};

}  // namespace onetable

#endif  // ONETABLE_MODEL_PROBLEM_H_
