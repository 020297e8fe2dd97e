// What the mapping and table routes share: finding a mapping by id, the caller's scope and
// masking applied to a generated table, and sinks that keep a table in memory for an answer.
//
// Masking: a column whose value expression reads a field the caller may not see
// (AccessPolicy::SeesField) or a tag they may not see (SeesTag) has every cell replaced by "***"
// in every format — whether or not the expression wraps it in mask(), since a partial mask of a
// sensitive value still shows part of it. So has a column that reads an ID number or a phone
// (access.h IsIdentifier) unless the caller holds a column grant for it
// (AccessPolicy::SeesIdentifierColumn: "<mapping id>:<header>"). Even then, in the rows of a
// person under 14 at the table's reference date such a column is "***" unless the caller holds
// the minor grant (AccessPolicy::SeesMinorsIdentifiers; PIPL Art. 28). Which rows a table holds is the mapping's (its where
// clause) within the caller's scope.
//
// Row selection: which rows a table holds can itself be sensitive — the 低保 roster lists who
// receives 低保 even with every 低保 column masked. So a table whose where, order_by or
// subtotal_by reads a field or tag the caller may not see is refused whole (403, naming what is
// missing), in every format and in previews; masking its columns would not be enough.
//
// Scope: the codes of the caller's visible communities or grids (AccessPolicy::Visible), given
// to the generator as TableRequest::allowed_scopes, so a scope parameter outside them is refused
// (403) and no parameter means all of them. A caller who may see no row at all gets 403.
//
// Thread-safety: functions over the Store given; sinks are used by one thread.
#ifndef ONETABLE_MAPPING_TABLE_ACCESS_H_
#define ONETABLE_MAPPING_TABLE_ACCESS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/context.h"
#include "mapping/mapping_spec.h"
#include "mapping/table_generator.h"
#include "mapping/table_sink.h"
#include "store/store.h"

namespace onetable {

// "department/table": lower-case letters, digits, - and _, one slash.
bool ValidMappingId(const std::string& id);

// Loads mappings/<id>.yaml and checks that its id matches its path and that the store can sort
// by its order_by. kNotFound when there is no such file; kInvalidArgument (file:line:col
// messages) when it does not check.
Result<mapping::MappingSpec> LoadMappingById(const AppContext& service, const std::string& id);

// Every *.yaml under the mappings directory, as ids ("minzheng/dibao"), sorted.
Result<std::vector<std::string>> ListMappingIds(const AppContext& service);

// Whether `expr` reads an ID number or a phone (masked by default: access.h).
bool ReadsIdentifier(const mapping::ExprPtr& expr);
// Per column: true when it is masked for `who` (see above).
std::vector<bool> MaskedColumns(const AppContext& service, const Principal& who,
                                const mapping::MappingSpec& spec);
// Per column: true when it is masked for `who` in a child's row (the identifier columns, unless
// `who` holds the minor grant; see above). GenerateFor applies it.
std::vector<bool> MinorMaskedColumns(const AppContext& service, const Principal& who,
                                     const mapping::MappingSpec& spec);

// The labels of the sensitive fields and tags that choose, order or group `spec`'s rows and that
// `who` may not see (sorted; empty when the caller may run the table).
std::vector<std::string> UnseenRowSelectors(const AppContext& service, const Principal& who,
                                            const mapping::MappingSpec& spec);

// kPermissionDenied naming them unless UnseenRowSelectors is empty.
Status RequireRowSelectorsSeen(const AppContext& service, const Principal& who,
                               const mapping::MappingSpec& spec);

// The allowed scope codes for `who` (see above); empty means the whole register.
Result<std::vector<std::string>> AllowedScopes(const AppContext& service, const Principal& who,
                                               Store& store);

// The scope and reference date a table is asked for (both optional), and for a change roster
// (change_roster.h) the earlier date it lists changes since.
struct TableParams {
  std::string scope;
  std::string as_of;
  std::string changes_since;  // "": the table itself
  // Passed to the generator (TableRequest's fields of the same names; not for change rosters).
  std::vector<int64_t> only_ids;
  std::function<void(int64_t)> row_key;
};

// Generates `spec` (or its change roster, when params.changes_since is set) for `who` into
// `sink`, with the caller's scope and masking applied;
// `max_rows` > 0 limits the body rows (previews). Errors name the parameter at fault (scope,
// as_of): kInvalidArgument, kNotFound, kPermissionDenied; store errors as they are.
Result<mapping::TableResult> GenerateFor(const AppContext& service, const Principal& who,
                                         Store& store, const mapping::MappingSpec& spec,
                                         const TableParams& params, int64_t max_rows,
                                         mapping::TableSink* sink);

// Passes rows on with the masked columns' cells replaced.
class MaskingSink : public mapping::TableSink {
 public:
  // `inner` must outlive this sink.
  MaskingSink(mapping::TableSink* inner, std::vector<bool> masked)
      : inner_(inner), masked_(std::move(masked)) {}

  Status Begin(const mapping::TableMeta& meta) override { return inner_->Begin(meta); }
  Status Row(const std::vector<std::string>& cells) override;
  Status TotalRow(const std::vector<std::string>& cells) override;
  Status End() override { return inner_->End(); }

 private:
  std::vector<std::string> Mask(const std::vector<std::string>& cells, bool total) const;
  mapping::TableSink* inner_;
  std::vector<bool> masked_;
};

// Keeps the table in memory (previews: the generator limits the rows).
class CollectingSink : public mapping::TableSink {
 public:
  Status Begin(const mapping::TableMeta& meta) override;
  Status Row(const std::vector<std::string>& cells) override;
  Status TotalRow(const std::vector<std::string>& cells) override;
  Status End() override { return Status::Ok(); }

  const mapping::TableMeta& meta() const { return meta_; }
  struct Line {
    std::vector<std::string> cells;
    bool total = false;
  };
  const std::vector<Line>& lines() const { return lines_; }

 private:
  mapping::TableMeta meta_;
  std::vector<Line> lines_;
};

// One "file:line:col: message" problem of a mapping, split for an editor.
struct MappingProblem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string text;  // the whole line as reported
};
std::vector<MappingProblem> SplitProblems(const std::string& status_message);

}  // namespace onetable

#endif  // ONETABLE_MAPPING_TABLE_ACCESS_H_
