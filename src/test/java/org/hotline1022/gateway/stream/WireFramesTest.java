package org.hotline1022.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared frames must be what a client's WebSocket decoder reads back, at every length boundary. */
class WireFramesTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
  void aClientDecoderReadsTheTextBack(int length) {
    String text = randomText(length, new Random(length));
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf frame = WireFrames.text(utf8);

    // a client decoder: server frames are unmasked; allow large frames for the boundary cases
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    client.writeInbound(Unpooled.copiedBuffer(frame.duplicate()));
    TextWebSocketFrame decoded = client.readInbound();

    assertThat(decoded.isFinalFragment()).isTrue();
    assertThat(decoded.text()).isEqualTo(text);
    decoded.release();
    // shared by every socket: a write's release must leave it intact for the next one
    frame.duplicate().release();
    assertThat(frame.readableBytes()).isEqualTo(utf8.length + (utf8.length < 126 ? 2 : utf8.length <= 0xFFFF ? 4 : 10));
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
