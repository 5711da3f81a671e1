package org.hotline1022.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.hotline1022.gateway.agent.Agent;
import org.hotline1022.gateway.agent.AgentAuth;
import org.hotline1022.gateway.agent.AuthKeys;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
  @TempDir
  Path dataDir;

  @Test
  void mintedTokenIsAcceptedByTheGatewaysVerifier() {
    GatewayConfig config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), Map.of("HOTLINE_DATA_DIR", dataDir.toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc = TokenCommand.run(new String[] {"--sub", "lan", "--role", "officer", "--department", "SYT", "--name", "Nguyễn Thị Lan",
        "--ttl", "2h"}, config, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(rc).isZero();
    String token = out.toString(StandardCharsets.UTF_8).strip();

    // the embedded demo generated its secret in the data folder; the gateway verifies with the same
    assertThat(dataDir.resolve("jwt-secret")).exists();
    Vertx vertx = Vertx.vertx();
    try {
      Agent agent = new AgentAuth(vertx, AuthKeys.resolve(config.auth(), dataDir, true)).authenticate(token).await();
      assertThat(agent.sub()).isEqualTo("lan");
      assertThat(agent.name()).isEqualTo("Nguyễn Thị Lan");
      assertThat(agent.department()).isEqualTo("SYT");
      assertThat(agent.seesAll()).isFalse();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void badArgumentsExit64() {
    GatewayConfig config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"), Map.of("HOTLINE_DATA_DIR", dataDir.toString()));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(TokenCommand.run(new String[] {"--role", "operator"}, config, quiet, quiet)).isEqualTo(64);
    assertThat(TokenCommand.run(new String[] {"--sub", "x", "--role", "king"}, config, quiet, quiet)).isEqualTo(64);
    assertThat(TokenCommand.run(new String[] {"--sub", "x", "--role", "officer"}, config, quiet, quiet)).isEqualTo(64);
    assertThat(TokenCommand.run(new String[] {"--sub", "x", "--role", "operator", "--ttl", "soon"}, config, quiet, quiet)).isEqualTo(64);
    assertThat(TokenCommand.parseTtl("8h")).isEqualTo(Duration.ofHours(8));
  }

  @Test
  void aRealDatabaseWithoutAKeyRefusesToStart() {
    GatewayConfig config = GatewayConfig.fromYaml(ConfigFiles.read("gateway.yaml"),
        Map.of("HOTLINE_DATA_DIR", dataDir.toString(), "HOTLINE_DB_URL", "postgresql://u:p@db:5432/x"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AuthKeys.resolve(config.auth(), dataDir, config.db().embedded()))
        .hasMessageContaining("HOTLINE_JWT_SECRET");
  }
}
