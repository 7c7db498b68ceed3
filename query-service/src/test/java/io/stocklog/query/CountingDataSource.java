package io.stocklog.query;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A real data source that counts the statements executed through it: a cost claim checked by counting. */
final class CountingDataSource implements DataSource {

  private final DataSource real;
  private final AtomicLong statements = new AtomicLong();

  CountingDataSource(DataSource real) {
    this.real = real;
  }

  long statements() {
    return statements.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return counting(real.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return counting(real.getConnection(user, password));
  }

  private Connection counting(Connection c) {
    InvocationHandler handler = (proxy, method, args) -> {
      Object result = invoke(c, method, args);
      if (result instanceof PreparedStatement ps) {
        return statement(ps, PreparedStatement.class);
      }
      if (result instanceof Statement st) {
        return statement(st, Statement.class);
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private <T extends Statement> T statement(T real, Class<T> type) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().startsWith("execute")) {
        statements.incrementAndGet();
      }
      return invoke(real, method, args);
    };
    return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return real.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    real.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    real.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return real.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return real.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
