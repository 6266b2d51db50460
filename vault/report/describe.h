// How a report line describes an event for people: a one-line summary per
// event type ("ann approved (dba 2/2, security 0/1)", "alert release →
// webhook: delivered") and its type-specific members as text. Members that
// are long and checked instead of read (statement, signature, signing_key)
// are left out; the JSON output keeps the leaf hash that commits to them.
// Event types the report does not know (a newer appliance) get a generic
// summary and all their members.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_REPORT_DESCRIBE_H_
#define BREAKGLASS_VAULT_REPORT_DESCRIBE_H_

#include <string>
#include <vector>

#include "vault/report/incident_log.h"
#include "vault/report/timeline.h"

namespace breakglass::report {

// The summary line of `event`.
std::string Summarize(const LoggedEvent& event);

// Its type-specific members (and a non-empty reason), by name.
std::vector<Field> Details(const LoggedEvent& event);

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_DESCRIBE_H_
