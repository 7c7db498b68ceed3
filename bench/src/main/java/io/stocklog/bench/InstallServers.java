package io.stocklog.bench;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a server binary the harness starts is installed: if it is not on the PATH and we run as root
 * on a Debian-like system, installs its package with apt-get; otherwise says why it is missing, so the
 * contender is reported as skipped with that reason.
 */
final class InstallServers {

  private static final Logger log = LoggerFactory.getLogger(InstallServers.class);

  private InstallServers() {}

  /** Null when {@code binary} is available (perhaps after installing {@code debianPackage}), else the reason. */
  static String ensure(String binary, String debianPackage) {
    if (onPath(binary)) {
      return null;
    }
    if (!"root".equals(System.getProperty("user.name")) || !onPath("apt-get")) {
      return binary + " is not installed and cannot be installed here (needs root and apt-get);"
          + " install the Debian package " + debianPackage;
    }
    log.info("{} is not installed: apt-get install {}", binary, debianPackage);
    try {
      run(List.of("apt-get", "update", "-qq"));
      run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", debianPackage));
    } catch (Exception e) {
      return "installing " + debianPackage + " failed: " + e.getMessage();
    }
    return onPath(binary) ? null : "apt-get install " + debianPackage + " did not provide " + binary;
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }

  static boolean onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, binary).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
