/* The onetable connector SDK: the only header a connector plugin includes.
 *
 * A connector is a shared library in the plugin directory that exports one C function whose name
 * carries the ABI version:
 *
 *     const OtConnectorV1* onetable_connector_v1(void);
 *
 * The loader looks the symbol up, checks `abi_version` and `name`, and only then calls anything
 * else. The same code links statically into tests (call the function directly).
 *
 * A connector READS a departmental source and hands records to the runtime; it never writes to
 * the register. The runtime owns the cursor: each batch carries the position after it, and the
 * runtime commits the batch and that position in one transaction, then passes the position back
 * on the next run (`open`'s cursor).
 *
 * Rules for plugins: no exception crosses this boundary (catch everything and return an error);
 * strings are UTF-8 and NUL-terminated and are only valid during the call that passes them;
 * error messages (Chinese, for people) go into `err` (at most `err_len` bytes incl. NUL) and
 * name where: file, row, column, sheet, URL. Thread-safety: one handle is used by one thread.
 */
#ifndef ONETABLE_CONNECTOR_H_
#define ONETABLE_CONNECTOR_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ONETABLE_CONNECTOR_ABI_VERSION 1
#define ONETABLE_CONNECTOR_SYMBOL "onetable_connector_v1"

/* Kinds of option a connector declares; the runtime validates a connector YAML's `options`
 * against the declarations before `open` (unknown keys and wrong types are errors naming the
 * YAML file and line). */
typedef enum {
  OT_OPTION_STRING = 1,
  OT_OPTION_INT = 2,
  OT_OPTION_BOOL = 3,
  OT_OPTION_SECRET = 4 /* a string never echoed in messages or logs (passwords, tokens) */
} OtOptionType;

typedef struct {
  const char* key;
  OtOptionType type;
  const char* default_value; /* NULL: required */
  const char* doc;           /* one line, Chinese */
} OtOptionDecl;

typedef struct {
  const char* key;
  const char* value;
} OtKeyValue;

/* One source record: its stable key in the source (e.g. a primary key, or file + row when the
 * source has none), where it came from for messages (file name / table / URL and row), and its
 * fields as column name -> text (NULL value: missing/NULL). */
typedef struct {
  const char* record_key;
  const char* location; /* e.g. "dibao-2026.csv" */
  int64_t row;          /* 1-based row/line in `location`, 0 when meaningless */
  const OtKeyValue* fields;
  size_t field_count;
} OtRecord;

/* A row the connector could not turn into a record (wrong column count, bad encoding...): it
 * goes to quarantine; it never fails the batch. */
typedef struct {
  const char* location;
  int64_t row;
  const char* column; /* NULL when the whole row is bad */
  const char* reason; /* Chinese */
  const char* raw;    /* the row's text as read, may be NULL */
} OtRejectedRow;

/* Callbacks the runtime gives `next_batch`. Return 0 to go on, non-zero to stop reading. */
typedef struct {
  void* ctx;
  int (*record)(void* ctx, const OtRecord* record);
  int (*reject)(void* ctx, const OtRejectedRow* row);
  /* Progress for a terminal: done and total units (bytes, rows), total 0 when unknown. */
  void (*progress)(void* ctx, int64_t done, int64_t total);
} OtBatchSink;

typedef enum {
  OT_BATCH_MORE = 1,        /* a batch was delivered; call again */
  OT_BATCH_DONE = 0,        /* a last (possibly empty) batch was delivered; the source is drained */
  OT_BATCH_ERROR = -1,      /* failed: `err` says why; nothing of this batch is committed */
  OT_BATCH_UNREACHABLE = -2 /* the source cannot be reached (file missing, server down) */
} OtBatchResult;

typedef struct OtConnectorV1 {
  uint32_t abi_version; /* ONETABLE_CONNECTOR_ABI_VERSION */
  const char* name;     /* "csv", "xlsx", "mysql", "http": must match the library's name */
  const char* title;    /* Chinese, for the UI */
  const OtOptionDecl* options;
  size_t option_count;

  /* Opens the source with validated options (defaults filled in) and the cursor saved after the
   * last committed batch ("" on a first run). `base_dir` is the connector YAML's directory, for
   * relative paths. Returns a handle, or NULL with `err` filled (`*unreachable` set to 1 when
   * the source cannot be reached, as opposed to bad options). */
  void* (*open)(const OtKeyValue* options, size_t option_count, const char* cursor,
                const char* base_dir, int* unreachable, char* err, size_t err_len);

  /* Delivers the next batch of at most `max_records` records through `sink`, and writes the
   * position after this batch into `cursor_out` (NUL-terminated, at most `cursor_len` bytes).
   * Returns an OtBatchResult. */
  int (*next_batch)(void* handle, size_t max_records, const OtBatchSink* sink, char* cursor_out,
                    size_t cursor_len, char* err, size_t err_len);

  void (*close)(void* handle);
} OtConnectorV1;

typedef const OtConnectorV1* (*OtConnectorEntryV1)(void);

#ifdef __cplusplus
}
#endif

#endif /* ONETABLE_CONNECTOR_H_ */
