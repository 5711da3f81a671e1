package org.hotline1022.gateway.intake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The event-bus contract between intake (any event loop) and the store's writer verticle:
 * a {@link Submission} is sent to {@link #ADDRESS} and answered with an {@link IngestResult} after
 * commit, or failed with a {@link IntakeException.Reason} ordinal as failure code.
 */
public final class WriterProtocol {
  public static final String ADDRESS = "hotline.store.ingest";

  private WriterProtocol() {}

  /** In-process codec: records are immutable, so the same instance is handed over. */
  public static final class LocalCodec<T> implements MessageCodec<T, T> {
    private final String name;

    public LocalCodec(Class<T> type) {
      this.name = "local-" + type.getSimpleName();
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      throw new IllegalStateException("local only: " + name);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException("local only: " + name);
    }

    @Override
    public T transform(T t) {
      return t;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
