package org.hotline1022.gateway.adapter.web;

/** A submission the portal refuses, naming the field and a stable error code for the page to show. */
final class BadInput extends RuntimeException {
  final String field;
  final String code;

  BadInput(String field, String code, String message) {
    super(message, null, false, false);
    this.field = field;
    this.code = code;
  }
}
