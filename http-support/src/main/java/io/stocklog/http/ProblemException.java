package io.stocklog.http;

/**
 * Thrown where a request cannot go on; turned into its {@link Problem} in one place, the exception mapping
 * {@link HttpPlumbing} installs.
 */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Problem problem;

  public ProblemException(Problem problem) {
    // No stack trace: this is a client's mistake or a known outage, not a bug to debug.
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
