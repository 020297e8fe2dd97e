/* A tiny connector plugin for the loader tests, built several times with FAKE_VARIANT set:
 *   1 "fake"      a working plugin: `rows` records (k = "v<n>"), cursor = rows delivered
 *   2 "fakeabi"   declares ABI version 99
 *   3 "fakename"  calls itself "other"
 *   4 "fakeopen"  open always fails, as an unreachable source
 *   5 "nosym"     exports no entry point
 * Plain C on purpose: the SDK header is a C header and a plugin need not be C++. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onetable/connector.h"

#ifndef FAKE_VARIANT
#define FAKE_VARIANT 1
#endif

#if FAKE_VARIANT == 1
#define FAKE_NAME "fake"
#elif FAKE_VARIANT == 2
#define FAKE_NAME "fakeabi"
#elif FAKE_VARIANT == 3
#define FAKE_NAME "other"
#else
#define FAKE_NAME "fakeopen"
#endif

typedef struct {
  long rows;
  long next;
} FakeHandle;

static const OtOptionDecl kOptions[] = {
    {"rows", OT_OPTION_INT, "3", "生成的记录条数"},
    {"label", OT_OPTION_STRING, NULL, "必填的文字选项"},
};

static void* FakeOpen(const OtKeyValue* options, size_t option_count, const char* cursor,
                      const char* base_dir, int* unreachable, char* err, size_t err_len) {
  (void)base_dir;
  if (FAKE_VARIANT == 4) {
    *unreachable = 1;
    snprintf(err, err_len, "无法连接到测试来源");
    return NULL;
  }
  FakeHandle* h = (FakeHandle*)calloc(1, sizeof(FakeHandle));
  h->rows = 3;
  for (size_t i = 0; i < option_count; ++i) {
    if (strcmp(options[i].key, "rows") == 0) h->rows = atol(options[i].value);
  }
  h->next = cursor && *cursor ? atol(cursor) : 0;
  return h;
}

static int FakeNextBatch(void* handle, size_t max_records, const OtBatchSink* sink,
                         char* cursor_out, size_t cursor_len, char* err, size_t err_len) {
  (void)err;
  (void)err_len;
  FakeHandle* h = (FakeHandle*)handle;
  size_t n = 0;
  while (h->next < h->rows && n < max_records) {
    char key[32], value[32];
    snprintf(key, sizeof key, "r%ld", h->next + 1);
    snprintf(value, sizeof value, "v%ld", h->next + 1);
    OtKeyValue fields[1] = {{"k", value}};
    OtRecord r = {key, "fake", h->next + 1, fields, 1};
    sink->record(sink->ctx, &r);
    ++h->next;
    ++n;
  }
  snprintf(cursor_out, cursor_len, "%ld", h->next);
  return h->next < h->rows ? OT_BATCH_MORE : OT_BATCH_DONE;
}

static void FakeClose(void* handle) { free(handle); }

static const OtConnectorV1 kFake = {
    FAKE_VARIANT == 2 ? 99u : (uint32_t)ONETABLE_CONNECTOR_ABI_VERSION,
    FAKE_NAME,
    "测试连接器",
    kOptions,
    sizeof kOptions / sizeof kOptions[0],
    FakeOpen,
    FakeNextBatch,
    FakeClose};

#if FAKE_VARIANT == 5
const OtConnectorV1* not_the_entry_point(void) { return &kFake; }
#else
const OtConnectorV1* onetable_connector_v1(void) { return &kFake; }
#endif
