package io.stocklog.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.stocklog.infra.TestDatabase;
import io.stocklog.infra.WithInfra;
import io.stocklog.readmodel.ProjectionCatalog.Phase;
import io.stocklog.readmodel.ProjectionCatalog.Projection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

@WithInfra
class ProjectionCatalogTest {

  /** What {@code status} relies on in a database the projector service never reached: no error, no catalog. */
  @Test
  void readIsEmptyUntilTheCatalogIsCreated(TestDatabase db) throws SQLException {
    ProjectionCatalog catalog = new ProjectionCatalog(db.dataSource());
    assertThat(catalog.read()).isEmpty();
    assertThat(catalog.read()).as("the connection given back after the first read still works").isEmpty();

    catalog.bootstrap(new Projection(ProjectionCatalog.INITIAL, "app", "public", "sink", "outcomes.main",
        Phase.ACTIVE, null));

    assertThat(catalog.read()).hasValueSatisfying(s -> {
      assertThat(s.control().serving()).isEqualTo("main");
      assertThat(s.control().decider()).isEqualTo("main");
    });
  }
}
