// DeliverySpec: one delivery, read from its YAML file in the configured `deliveries` directory:
//
//   id: gongan-liudong-push              # [a-z0-9][a-z0-9_.-]*, unique
//   title: 流动人口信息推送至公安流动人口平台
//   mapping: gongan/liudong-renkou       # the department table whose rows are delivered
//   scope: "420581001001"                # optional, as `table --scope`
//   as_of: "2026-06-30"                  # optional, as `table --as-of` (default: the mapping's)
//   key: 公民身份号码                     # the column that identifies a row for the receiver
//   account: gongan01                    # optional: the account whose grants and masks apply
//   schedule: every 10m                  # optional: every N s|m|h|d; `serve` runs it when due
//   target:                              # one of:
//     {type: http, url: "${GONGAN_PUSH_URL}", auth: {bearer: "${GONGAN_PUSH_TOKEN}"},
//      batch: 500, timeout: 30, retry: {attempts: 6, delay_ms: 1000, max_delay_ms: 60000}}
//     {type: mysql, url: "mysql://u:p@host:3306/db", table: t, columns: {公民身份号码: sfzh}}
//     {type: file, dir: drop/, format: json|csv|xlsx}
//
// Strings of the target may hold ${NAME} or ${NAME:-default}: environment variables, expanded
// when the delivery runs (ResolveTarget), so `check` needs no secrets. Relative file `dir`s are
// relative to the delivery file. Columns whose value is row_number() are left out of what is
// delivered (a number that shifts whenever a row is added is no part of a row's content).
//
// Parsing reports every problem, one "file:line:col: message" line each, in Chinese; unknown keys
// are errors. CheckAgainstMapping holds the spec against its mapping (the key is a column).
//
// Thread-safety: an immutable value once parsed.
#ifndef ONETABLE_DELIVERY_DELIVERY_SPEC_H_
#define ONETABLE_DELIVERY_DELIVERY_SPEC_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mapping/mapping_spec.h"
#include "onetable/status.h"

namespace onetable {

struct RetrySpec {
  int attempts = 6;              // attempts per batch in one run (the first included)
  int64_t delay_ms = 1000;       // before the first retry; doubled each time (with jitter)
  int64_t max_delay_ms = 60000;  // no wait is longer, Retry-After included
};

struct DeliveryTargetSpec {
  std::string type;  // http | mysql | file
  size_t batch = 500;
  RetrySpec retry;
  // http
  std::string url;
  std::string bearer;                      // auth: {bearer: TOKEN}
  std::string basic_user, basic_password;  // auth: {basic: {user: U, password: P}}
  int timeout_seconds = 30;
  std::string ca_file;
  // mysql (url too)
  std::string table;
  std::map<std::string, std::string> columns;  // header -> column (default: the header)
  // file
  std::string dir;
  std::string format = "json";  // json | csv | xlsx
  // Where each string option was written ("file:line:col"), for errors when it is expanded.
  std::map<std::string, std::string> where;
};

struct DeliverySpec {
  std::string file;
  std::string id, title, mapping, scope, as_of, key, account;
  std::string schedule;       // as written
  int64_t every_seconds = 0;  // 0: no schedule (runs only when asked)
  DeliveryTargetSpec target;
  std::string key_where;  // "file:line:col" of `key`
};

Result<DeliverySpec> ParseDeliverySpec(const std::string& text, const std::string& file);
Result<DeliverySpec> LoadDeliverySpec(const std::string& path);

// "every 10m" -> 600; kInvalidArgument for anything else.
Result<int64_t> ParseSchedule(const std::string& text);

// The key is one of the mapping's columns and not a row_number() column.
Status CheckAgainstMapping(const DeliverySpec& spec, const mapping::MappingSpec& mapping);

// Whether a mapping column is left out of deliveries (its value is row_number()).
bool LeftOutColumn(const mapping::ColumnSpec& column);

// The target with ${NAME} / ${NAME:-default} expanded from the environment; kInvalidArgument
// naming file:line:col and the variable when one is unset and has no default.
Result<DeliveryTargetSpec> ResolveTarget(const DeliverySpec& spec);

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_DELIVERY_SPEC_H_
