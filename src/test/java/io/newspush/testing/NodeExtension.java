package io.newspush.testing;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One node per test class on a fresh database, with an HTTP client for the API and an SQL pool
 * for what a CMS or an operator does to the database:
 * {@code @RegisterExtension static final NodeExtension node = new NodeExtension();}
 */
public final class NodeExtension implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> settings;
  private Vertx vertx;
  private TestNode node;
  private Http http;
  private Pool sql;

  public NodeExtension() {
    this(Map.of());
  }

  /** {@code settings}: NEWSPUSH_* variables that override the defaults. */
  public NodeExtension(Map<String, String> settings) {
    this.settings = settings;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String url = TestPostgres.newDatabase();
    vertx = Vertx.vertx();
    node = TestNode.start(url, settings);
    http = new Http(vertx, node.port());
    sql = TestPostgres.pool(vertx, url);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      node.close();
    } finally {
      Await.result(vertx.close());
    }
  }

  public int port() {
    return node.port();
  }

  public TestNode node() {
    return node;
  }

  public Http http() {
    return http;
  }

  public Pool sql() {
    return sql;
  }
}
