package org.hotline1022.gateway.adapter.sip.hep;

import java.time.Instant;

/**
 * One decoded HEP v3 packet (sip.md §4.1).
 *
 * @param ipFamily 2 (IPv4), 10 (IPv6), or 0 when absent
 * @param ipProtocol 17 (UDP), 6 (TCP), ... or 0 when absent
 * @param srcIp source address as text, null when absent
 * @param srcPort source port, -1 when absent
 * @param dstIp destination address as text, null when absent
 * @param dstPort destination port, -1 when absent
 * @param timestamp capture time (seconds + microseconds chunks), null when absent
 * @param payloadType chunk 11: 1 = SIP; 0 when absent
 * @param captureId chunk 12 as read (big-endian); senders disagree on its byte order (sngrep
 *     writes it little-endian), so it is informational only, never a key
 * @param correlationId chunk 17 (Asterisk: the Call-ID or channel), null when absent
 * @param nodeName chunk 19, null when absent
 * @param payload the captured message (chunk 15)
 */
public record HepPacket(
    int ipFamily,
    int ipProtocol,
    String srcIp,
    int srcPort,
    String dstIp,
    int dstPort,
    Instant timestamp,
    int payloadType,
    long captureId,
    String correlationId,
    String nodeName,
    byte[] payload) {

  /** Payload type of SIP (chunk 11). */
  public static final int TYPE_SIP = 1;

  public boolean isSip() {
    return payloadType == TYPE_SIP;
  }
}
