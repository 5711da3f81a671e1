import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Baseline for bench/web-load.sh: a Vert.x HTTP endpoint that reads the whole request body and
 * answers POST with 201 and a small JSON body, storing nothing. Same shape as the gateway's HTTP
 * side (2 server verticle instances = 2 event loops), so the ratio gateway/trivial shows what
 * parsing, classification and the durable commit cost on top of bare Vert.x HTTP.
 *
 * Run: java -cp target/hotline-gateway.jar bench/TrivialServer.java PORT [INSTANCES]
 */
public class TrivialServer {
  private static final Buffer CREATED = Buffer.buffer(
      "{\"trackingCode\":\"1022-ABCD-EFGH\",\"status\":\"new\",\"topic\":\"other\",\"department\":\"general\",\"dueAt\":null}");

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8099;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer().requestHandler(req -> {
          if (req.method() == HttpMethod.POST) {
            req.body().onSuccess(body -> req.response().setStatusCode(201)
                .putHeader("Content-Type", "application/json; charset=utf-8").end(CREATED));
          } else {
            req.response().end("ok");
          }
        }).listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("trivial server listening on " + port + " with " + instances + " event loops"))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }
}
