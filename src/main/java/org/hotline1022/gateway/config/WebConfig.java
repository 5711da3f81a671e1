package org.hotline1022.gateway.config;

/**
 * The public web portal.
 *
 * @param rateLimit submissions per minute per client address; 0 switches limiting off
 * @param rateBurst submissions a client may send at once before the per-minute rate applies
 */
public record WebConfig(int maxBodyBytes, int maxTextChars, int maxNameChars, int rateLimit, int rateBurst, boolean trustForwardedFor) {}
