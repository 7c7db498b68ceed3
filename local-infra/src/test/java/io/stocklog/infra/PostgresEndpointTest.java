package io.stocklog.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresEndpointTest {
    private static PostgresEndpoint at(String url) {
        return new PostgresEndpoint(url, "postgres", "secret", "test");
    }

    @Test
    void swapsTheDatabaseOfAHostUrl() {
        assertThat(at("jdbc:postgresql://localhost:5432/postgres").withDatabase("t_x").jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost:5432/t_x");
    }

    @Test
    void keepsUrlParameters() {
        assertThat(at("jdbc:postgresql://db:5433/test?loggerLevel=OFF&ssl=false").withDatabase("t_x").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db:5433/t_x?loggerLevel=OFF&ssl=false");
    }

    @Test
    void addsADatabaseToAUrlWithoutOne() {
        assertThat(at("jdbc:postgresql://db1:5432,db2:5432?targetServerType=primary").withDatabase("t_x").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db1:5432,db2:5432/t_x?targetServerType=primary");
    }

    @Test
    void swapsTheDatabaseOfAUrlWithoutHost() {
        assertThat(at("jdbc:postgresql:postgres").withDatabase("t_x").jdbcUrl()).isEqualTo("jdbc:postgresql:t_x");
    }

    @Test
    void keepsTheLoginWhenSwappingTheDatabase() {
        PostgresEndpoint swapped = at("jdbc:postgresql://localhost/postgres").withDatabase("t_x");

        assertThat(swapped.user()).isEqualTo("postgres");
        assertThat(swapped.password()).isEqualTo("secret");
        assertThat(swapped.source()).isEqualTo("test");
    }

    @Test
    void rejectsADatabaseNameThatNeedsQuoting() {
        assertThatThrownBy(() -> at("jdbc:postgresql://localhost/postgres").withDatabase("a-b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database must be 1 to 63 of [A-Za-z0-9_], was a-b");
    }

    @Test
    void rejectsAnotherDatabasesUrl() {
        assertThatThrownBy(() -> at("jdbc:mysql://localhost/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("jdbcUrl must start with jdbc:postgresql:, was jdbc:mysql://localhost/db");
    }

    @Test
    void rejectsABlankUser() {
        assertThatThrownBy(() -> new PostgresEndpoint("jdbc:postgresql:db", " ", "", "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("user must not be blank");
    }

    @Test
    void hidesThePasswordWhenPrinted() {
        assertThat(at("jdbc:postgresql:db").toString()).doesNotContain("secret").contains("password=***");
    }
}
