package org.hotline1022.gateway.app;

import java.io.InputStream;
import java.io.PrintStream;

/** Placeholder until the classifier branch lands (same session). */
final class ClassifyCommand {
  private ClassifyCommand() {}

  static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    err.println("classifier not built yet");
    return 2;
  }
}
