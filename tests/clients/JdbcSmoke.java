// pgjdbc (Debian's libpostgresql-jdbc-java) against the server: connect, prepare, read uuid
// and timestamptz columns back, check an error SQLSTATE. Run with the single-file launcher:
//   java -cp /usr/share/java/postgresql.jar tests/clients/JdbcSmoke.java
// Connection from PGHOST / PGPORT / PGUSER. Exits non-zero on the first mismatch.
import java.sql.*;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

public class JdbcSmoke {
    static void check(String what, Object got, Object want) {
        if (!want.equals(got)) {
            System.out.println("FAIL " + what + ": got " + got + ", want " + want);
            System.exit(1);
        }
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/postgres";
        try (Connection c = DriverManager.getConnection(url, System.getenv("PGUSER"), "")) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS jdbc_smoke");
                s.execute("CREATE TABLE jdbc_smoke (id int PRIMARY KEY, u uuid, ts timestamptz, name text)");
            }
            UUID u = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
            OffsetDateTime ts = OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123456000, ZoneOffset.UTC);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_smoke VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= 6; i++) { // pgjdbc switches to a named server statement after 5 runs
                    p.setInt(1, i);
                    p.setObject(2, u);
                    p.setObject(3, ts);
                    p.setString(4, "n" + i);
                    check("insert count", p.executeUpdate(), 1);
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT u, ts, name FROM jdbc_smoke WHERE id = ?")) {
                for (int i = 1; i <= 6; i++) {
                    p.setInt(1, i);
                    try (ResultSet r = p.executeQuery()) {
                        check("row present", r.next(), true);
                        check("uuid", r.getObject(1, UUID.class), u);
                        check("timestamptz", r.getObject(2, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC), ts);
                        check("text", r.getString(3), "n" + i);
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT * FROM jdbc_missing");
                System.out.println("FAIL missing table did not fail");
                System.exit(1);
            } catch (SQLException e) {
                check("SQLSTATE", e.getSQLState(), "42P01");
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE jdbc_smoke");
            }
        }
        System.out.println("jdbc client: ok");
    }
}
