package org.hotline1022.gateway.media;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Function;
import org.hotline1022.gateway.config.MediaConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.media.MediaFetch.Failed;
import org.hotline1022.gateway.media.MediaFetch.Refused;

/**
 * Decides where a media URL may be fetched from, before any connection: the scheme (https unless
 * {@code media.allowHttp}), the host (the channel's {@code media.allowedHosts}) and the address the
 * host resolves to (public unicast unless {@code media.allowPrivateAddresses}). The host is resolved
 * with Vert.x's non-blocking resolver and the request is pinned to the address that was checked, so a
 * second lookup (DNS rebinding) cannot send it elsewhere; the URL's host still names the server (Host
 * header, TLS SNI and certificate check).
 */
final class MediaGuard {
  private final Function<String, Future<InetAddress>> resolver;
  private final MediaConfig config;

  MediaGuard(Function<String, Future<InetAddress>> resolver, MediaConfig config) {
    this.resolver = resolver;
    this.config = config;
  }

  /** A guard resolving with {@code vertx}'s own resolver (the one its clients use: hosts file, DNS, non-blocking). */
  static MediaGuard of(Vertx vertx, MediaConfig config) {
    return new MediaGuard(host -> ((VertxInternal) vertx).nameResolver().resolve(host), config);
  }

  /**
   * @return options for a GET of {@code url}, connecting to the checked address; failed with
   *     {@link Refused} for a URL that must not be fetched, {@link Failed} for a malformed URL
   *     (permanent) or a host that does not resolve (transient)
   */
  Future<RequestOptions> target(Channel channel, String url) {
    RequestOptions options;
    try {
      options = new RequestOptions().setAbsoluteURI(url);
    } catch (RuntimeException badUrl) {
      return Future.failedFuture(new Failed(true, "bad_url"));
    }
    if (!options.isSsl() && !config.allowHttp()) {
      return Future.failedFuture(new Refused("refused_scheme"));
    }
    List<String> hosts = config.allowedHosts(channel);
    if (!AllowedHosts.allowed(options.getHost(), hosts)) {
      return Future.failedFuture(new Refused("refused_host"));
    }
    String host = AllowedHosts.normalize(options.getHost());
    return resolver.apply(host).recover(e -> Future.failedFuture(new Failed(false, "unresolved"))).compose(address -> {
      if (AddressRanges.of(address) != null && !config.allowPrivateAddresses()) {
        return Future.failedFuture(new Refused("refused_address"));
      }
      return Future.succeededFuture(options.setServer(SocketAddress.inetSocketAddress(options.getPort(), address.getHostAddress())));
    });
  }
}
