package org.hotline1022.gateway.adapter.webhook;

import java.util.Locale;

/** How a reconciliation run ended: the {@code outcome} tag of {@code hotline_reconcile_runs_total}. */
public enum RunOutcome {
  /** Read everything in the window (within the bounds) and every message committed or was a duplicate. */
  OK,
  /** Another gateway process is running this platform's reconciliation. */
  LOCKED,
  /** The run lock could not be taken: the database is not reachable. */
  DB_UNAVAILABLE,
  /** The platform's token or page id is not set. */
  NOT_CONFIGURED,
  /** Intake refused a fetched message (overload, outage): what was read is fetched again next run. */
  INTAKE_FAILED,
  /** The read API could not be reached. */
  UNREACHABLE,
  /** The read API did not answer in time. */
  TIMEOUT,
  /** The read API answered 5xx. */
  HTTP_5XX,
  /** The read API answered another non-2xx status without a known error code. */
  HTTP_ERROR,
  /** An answer larger than {@code maxResponseBytes}. */
  TOO_LARGE,
  /** An answer that is not the platform's JSON envelope. */
  MALFORMED,
  /** The token was refused (Graph 190, Zalo -216/-220/-124). */
  TOKEN_INVALID,
  /** Rate limited (HTTP 429, Graph 4/17/32/613, Zalo -32). */
  RATE_LIMITED,
  /** The platform reported another error in its envelope. */
  API_ERROR,
  /** No OA access token is available (Zalo). */
  NO_ACCESS_TOKEN;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
