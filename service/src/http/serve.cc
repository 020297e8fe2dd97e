#include "http/serve.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

#include "access/access.h"
#include "app/background_jobs.h"
#include "app/exit_codes.h"
#include "app/store_open.h"
#include "audit/audit_key.h"
#include "auth/authenticator.h"
#include "auth/secret_key.h"
#include "delivery/delivery_schedule.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/service_context.h"
#include "http/service_routes.h"
#include "ingest/linkage/chinese_names.h"
#include "model/catalog.h"
#include "model/divisions.h"
#include "retention/retention_run.h"
#include "store/store.h"

namespace onetable {
namespace {

// The schema serve needs: every migration its routes read, up to the incremental deliveries'
// change log (0017) — the audit chain (0009), deliveries (0011), register history (0012), table
// requests (0013, 0015) and the department fields (0014) among them — and the delivery receipts
// stored by row (0022).
constexpr int kServeSchemaVersion = 22;

int Fail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitFor(const Status& st) {
  return st.code() == StatusCode::kUnavailable ? kExitUnavailable : kExitInvalid;
}

// How often the scheduler looks for due deliveries: ONETABLE_DELIVERY_TICK_MS (tests), else 15 s.
std::chrono::milliseconds DeliveryTickPeriod() {
  const char* env = std::getenv("ONETABLE_DELIVERY_TICK_MS");
  const long ms = env ? std::atol(env) : 0;
  return std::chrono::milliseconds(ms > 0 ? ms : 15000);
}

// How often the retention job purges expired raw rows: ONETABLE_RETENTION_TICK_MS (tests), else
// every 6 hours (and once at start).
std::chrono::milliseconds RetentionTickPeriod() {
  const char* env = std::getenv("ONETABLE_RETENTION_TICK_MS");
  const long ms = env ? std::atol(env) : 0;
  return std::chrono::milliseconds(ms > 0 ? ms : 6L * 3600 * 1000);
}

}  // namespace

int RunServe(const Config& config, const std::vector<std::string>& args) {
  std::string host = config.listen_host;
  int port = config.listen_port;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--listen" && i + 1 < args.size()) {
      Status st = ParseListen(args[++i], &host, &port);
      if (!st.ok()) return Fail(kExitUsage, st.message());
    } else {
      return Fail(kExitUsage,
                  "serve 不认识参数 " + args[i] + "\n用法：onetable serve [--listen HOST:PORT]");
    }
  }
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  // Fail at start, not at the first request, when the store is unreachable or not initialised.
  {
    auto probe = OpenReadyStore(config.store_url, *catalog, kServeSchemaVersion,
                                AuditKeyFileOf(config));
    if (!probe.ok()) return Fail(ExitFor(probe.status()), probe.status().message());
  }
  Status durable = GuardStoreDurability(config.store_url, config.throwaway_store);
  if (!durable.ok()) {
    return Fail(durable.code() == StatusCode::kFailedPrecondition ? kExitUsage : ExitFor(durable),
                durable.message());
  }
  // One key for every connection: each appends its records to the chain sealed with it.
  auto audit_key = LoadAuditKey(AuditKeyFileOf(config));
  if (!audit_key.ok()) return Fail(kExitInvalid, audit_key.status().message());
  const AuditSealer* sealer = audit_key->get();

  // What every handler shares (http/service_context.h); lives until the server has stopped.
  auto divisions = Divisions::Load(config.schema_dir + "/divisions");
  if (!divisions.ok()) {
    std::cerr << "行政区划数据不可用，区划代码不做校验：" << divisions.status().message() << "\n";
  }
  if (std::string w = linkage::MissingConverterWarning(); !w.empty()) std::cerr << w << "\n";
  AccessPolicy policy(*catalog);
  AuthOptions auth_options;
  auth_options.secure_cookie = config.secure_cookie;
  Result<std::string> secret = LoadOrCreateSecretKey(SecretKeyPathOf(config));
  if (!secret.ok()) return Fail(ExitFor(secret.status()), secret.status().message());
  auth_options.throttle_secret = *secret;
  Authenticator auth(auth_options);
  Metrics metrics;
  const Catalog& cat = *catalog;
  const std::string store_url = config.store_url;
  const StoreFactory open_store = [&cat, store_url, sealer]() -> Result<std::unique_ptr<Store>> {
    ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(store_url, cat));
    store->SetAuditSealer(sealer);
    return store;
  };
  ServiceContext service{
      *catalog, policy,  SettingsOf(config), divisions.ok() ? &*divisions : nullptr,
      &auth,    &metrics};
  // After the context its jobs use and before the server: once the server has stopped taking
  // requests, the destructor waits for the runs they started.
  BackgroundJobs jobs;
  service.jobs = &jobs;
  service.open_store = open_store;
  service.audit_key = sealer;

  // Routes: the one list in http/service_routes.cc (the tests serve the same set).
  Router router;
  Status st = RegisterServiceRoutes(&router, service, config.web_dir);
  if (!st.ok()) return Fail(kExitInvalid, st.message());
  ServerOptions options;
  options.threads = config.threads;
  options.trusted_proxies = config.trusted_proxies;
  options.max_connections_per_address = config.connections_per_address;
  options.authenticator = &auth;
  options.metrics = &metrics;
  Server server(std::move(router), open_store, options);
  // Scheduled deliveries run in the background while the server runs; the scheduler stops
  // (finishing a run under way) before the context it uses goes.
  DeliveryScheduler deliveries(service, open_store, DeliveryTickPeriod(),
                               [&metrics](const DeliveryOutcome& o) {
                                 metrics.CountDelivery(o.delivery, o.status.ok() ? "done" : "failed",
                                                       o.batches, o.upserts, o.deletes,
                                                       o.attempts, o.failed_batches);
                               },
                               [&metrics] { metrics.CountSchedulerTick(); });
  // Retention (retention/retention_run.h): raw rows older than retention_days, in batches, under
  // the "retention" lease so one instance of several purges at a time.
  RetentionRequest retention;
  retention.store_url = config.store_url;
  retention.days = config.retention_days;
  RetentionScheduler purges(open_store, retention, RetentionTickPeriod());
  return RunServerUntilTerminated(server, host, port);
}

}  // namespace onetable
