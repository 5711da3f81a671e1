package org.hotline1022.gateway.config;

import java.util.Map;

/**
 * Calls in the store ({@code phone.calls:} in gateway.yaml): the call writer's queue and batches, and
 * how the inquiries calls open are routed. Repeat missed calls join one callback inquiry within
 * {@code threading.windowMinutes.phone}.
 *
 * @param queueCapacity call signals waiting for a commit; beyond it {@code CallIntake} answers overloaded
 * @param maxBatch signals per transaction
 * @param parallelBatches transactions in flight
 * @param ackTimeoutMs how long an input waits for a commit before it gets a timeout (and retries)
 * @param topic topic of the inquiries calls open (the agent corrects it with {@code update})
 * @param priority their priority
 * @param department their department; empty = routing.yaml's department for {@code topic}
 * @param windowMinutes from {@code threading.windowMinutes.phone}; 0 = every missed call its own inquiry
 */
public record CallsConfig(int queueCapacity, int maxBatch, int parallelBatches, long ackTimeoutMs, String topic, String priority,
    String department, long windowMinutes) {

  /** Reads {@code phone.calls} (and the phone threading window); throws IllegalArgumentException naming a bad key. */
  public static CallsConfig fromYaml(String yaml, Map<String, String> env) {
    ConfigTree tree = ConfigTree.parse(yaml, env);
    ConfigTree.Section s = tree.section("phone.calls");
    return new CallsConfig(s.integer("queueCapacity", 20_000, 1, 10_000_000), s.integer("maxBatch", 500, 1, 5000),
        s.integer("parallelBatches", 2, 1, 16), s.number("ackTimeoutMs", 10_000, 100, 600_000), s.string("topic", "other"),
        s.string("priority", "normal"), s.string("department", ""),
        tree.section("threading.windowMinutes").number("phone", 1440, 0, 525_600));
  }
}
