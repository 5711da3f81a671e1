package org.hotline1022.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(InputStream in, String... args) {
    return ClassifyCommand.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<JsonObject> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
  }

  @Test
  void classifiesEachLineAndSurvivesMalformedOnes() {
    String input = String.join("\n",
        "{\"id\":\"a1\",\"channel\":\"zalo\",\"text\":\"Mẹ em F0 khó thở, SpO2 còn 89%\"}",
        "{not json",
        "{\"id\":\"a2\",\"text\":\"co nguoi mao danh cong an lua dao chuyen tien\"}",
        "",
        "{\"id\":\"a3\"}",
        "[1,2]",
        "{\"id\":7,\"text\":\"Hỗ trợ cứu trợ lương thực cho hộ nghèo bị phong tỏa\",\"district\":\"Sầm Sơn\"}") + "\n";
    int code = run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));

    assertThat(code).isZero();
    List<JsonObject> lines = lines();
    assertThat(lines).hasSize(6); // the blank line gives nothing
    assertThat(lines.get(0).getMap()).containsEntry("id", "a1").containsEntry("topic", "medical")
        .containsEntry("priority", "urgent").containsEntry("department", "SYT");
    assertThat(lines.get(1).getValue("id")).isNull();
    assertThat(lines.get(1).containsKey("id")).isTrue();
    assertThat(lines.get(1).getString("error")).isNotBlank();
    assertThat(lines.get(2).getMap()).containsEntry("id", "a2").containsEntry("topic", "security_order")
        .containsEntry("priority", "normal").containsEntry("department", "CA");
    assertThat(lines.get(3).getMap()).containsEntry("id", "a3").containsKey("error");
    assertThat(lines.get(4).getValue("id")).isNull();
    assertThat(lines.get(4).getString("error")).isNotBlank();
    assertThat(lines.get(5).getMap()).containsEntry("id", 7).containsEntry("topic", "humanitarian").containsEntry("department", "UBND-SAMSON");
  }

  @Test
  void readsUtf8WhateverThePlatformCharset() {
    byte[] input = "{\"id\":\"u\",\"text\":\"Tôi bị sốt, ho, đau họng, mất vị giác\"}\n".getBytes(StandardCharsets.UTF_8);
    assertThat(run(new ByteArrayInputStream(input))).isZero();
    assertThat(lines().get(0).getString("topic")).isEqualTo("suspected_infection");
  }

  @Test
  void unreadableStdinIsExitCodeOne() {
    InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("boom");
      }
    };
    assertThat(run(broken)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("stdin");
  }

  @Test
  void evalPrintsTheFigures(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("labelled.jsonl");
    Files.writeString(file, String.join("\n",
        "{\"id\":\"1\",\"text\":\"Bố tôi ngất, không tỉnh\",\"category\":\"medical\",\"priority\":\"urgent\"}",
        "{\"id\":\"2\",\"text\":\"alo\",\"category\":\"other\",\"priority\":\"normal\"}",
        "{\"id\":\"3\",\"text\":\"khi nào nhận trợ cấp thất nghiệp\",\"category\":\"social_welfare\",\"priority\":\"normal\"}",
        "garbage"), StandardCharsets.UTF_8);
    assertThat(run(InputStream.nullInputStream(), "--eval", file.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("examples          3 (1 unreadable lines skipped)")
        .contains("topic accuracy    1.000 (3/3)")
        .contains("urgent recall     1.000 (1/1)")
        .contains("urgent precision  1.000 (1/1)");
  }

  @Test
  void badUsageAndMissingEvalFile() {
    assertThat(run(InputStream.nullInputStream(), "--eval", "/nonexistent/file.jsonl")).isEqualTo(1);
    assertThat(run(InputStream.nullInputStream(), "--frobnicate")).isEqualTo(64);
  }
}
