package org.hotline1022.gateway.intake;

import io.vertx.core.Future;
import java.util.Optional;

/** Reads a citizen's view of an inquiry; implemented by the store, handed to adapters by the app. */
public interface StatusLookup {

  /** @param trackingCode the canonical form {@code 1022-XXXX-XXXX} (see {@code TrackingCodes}) */
  Future<Optional<CitizenStatus>> find(String trackingCode);
}
