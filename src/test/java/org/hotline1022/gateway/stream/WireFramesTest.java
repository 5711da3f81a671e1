package org.hotline1022.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared frames must be what a client's WebSocket decoder reads back, at every length boundary. */
class WireFramesTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 59_999, 60_000, 60_001, 65_535, 65_536, 200_000})
  void aClientDecoderReadsTheTextBack(int length) {
    String text = randomText(length, new Random(length));
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf frame = WireFrames.text(utf8);

    // a client decoder with Vert.x's default 64 KiB frame limit: server frames are unmasked
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 65_536));
    client.writeInbound(Unpooled.copiedBuffer(frame.duplicate()));
    assertThat(readMessage(client)).isEqualTo(text);
    assertThat((Object) client.readInbound()).isNull();
    // shared by every socket: a write's release must leave it intact for the next one
    frame.duplicate().release();
    int frames = Math.max(1, (utf8.length + WireFrames.MAX_FRAME_PAYLOAD - 1) / WireFrames.MAX_FRAME_PAYLOAD);
    assertThat(frame.readableBytes()).isBetween(utf8.length + 2 * frames, utf8.length + 4 * frames);
  }

  /** One text message: a text frame, then continuation frames until the final one. */
  private static String readMessage(EmbeddedChannel client) {
    StringBuilder sb = new StringBuilder();
    WebSocketFrame f = client.readInbound();
    assertThat(f).isInstanceOf(TextWebSocketFrame.class);
    while (true) {
      assertThat(f.content().readableBytes()).isLessThanOrEqualTo(WireFrames.MAX_FRAME_PAYLOAD);
      sb.append(f.content().toString(StandardCharsets.UTF_8));
      boolean fin = f.isFinalFragment();
      f.release();
      if (fin) {
        return sb.toString();
      }
      f = client.readInbound();
      assertThat(f).isInstanceOf(ContinuationWebSocketFrame.class);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 40})
  void aBatchWrittenAsOneBufferDecodesToEveryEventInOrder(int count) {
    Random random = new Random(1022L * count);
    List<String> texts = new ArrayList<>();
    List<FeedEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int kind = random.nextInt(10);
      String text = randomText(kind == 0 ? 60_001 + random.nextInt(70_000) : kind < 4 ? 126 + random.nextInt(2_000) : random.nextInt(126), random);
      texts.add(text);
      events.add(event(i + 1, text));
    }
    ByteBuf batch = WireFrames.concat(events);

    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 65_536));
    client.writeInbound(Unpooled.copiedBuffer(batch.duplicate()));
    for (String text : texts) {
      assertThat(readMessage(client)).isEqualTo(text);
    }
    assertThat((Object) client.readInbound()).isNull();
    batch.duplicate().release();
    assertThat(batch.readableBytes()).isEqualTo(events.stream().mapToInt(e -> e.wire().readableBytes()).sum());
  }

  @org.junit.jupiter.api.Test
  void anEmptyBatchHasNothingToWrite() {
    assertThat(WireFrames.concat(List.of())).isNull();
  }

  private static FeedEvent event(long seq, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return new FeedEvent(seq, 0, "inquiry.created", "d", null, null, null, null, Unpooled.wrappedBuffer(utf8), WireFrames.text(utf8));
  }

  private static String randomText(int bytes, Random random) {
    StringBuilder sb = new StringBuilder();
    String alphabet = "abc xyz 0123 {}\"";
    while (sb.length() < bytes) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
