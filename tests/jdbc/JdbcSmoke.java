// JDBC smoke test: connect, prepare, and read uuid / timestamptz / numeric / text back.
// Run by tests/jdbc.rs as `java -cp postgresql.jar JdbcSmoke.java <port>`; exits non-zero on the
// first mismatch, printing what differed.
import java.sql.*;
import java.util.UUID;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

public class JdbcSmoke {
    static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("MISMATCH: " + what);
            System.exit(1);
        }
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS jdbc_items");
                s.execute("CREATE TABLE jdbc_items (id uuid PRIMARY KEY, name text NOT NULL, price numeric(10,2), at timestamptz)");
            }
            UUID id = UUID.fromString("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
            OffsetDateTime at = OffsetDateTime.of(2024, 1, 31, 13, 45, 0, 123456000, ZoneOffset.UTC);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO jdbc_items (id, name, price, at) VALUES (?, ?, ?, ?)")) {
                p.setObject(1, id);
                p.setString(2, "Zoë's widget");
                p.setBigDecimal(3, new java.math.BigDecimal("19.99"));
                p.setObject(4, at);
                check(p.executeUpdate() == 1, "insert count");
            }
            // Several executions so that pgjdbc switches to a server-side prepared statement.
            for (int i = 0; i < 6; i++) {
                try (PreparedStatement p = c.prepareStatement("SELECT id, name, price, at FROM jdbc_items WHERE id = ?")) {
                    p.setObject(1, id);
                    try (ResultSet r = p.executeQuery()) {
                        check(r.next(), "a row");
                        check(id.equals(r.getObject(1, UUID.class)), "uuid " + r.getObject(1));
                        check("Zoë's widget".equals(r.getString(2)), "text " + r.getString(2));
                        check(new java.math.BigDecimal("19.99").equals(r.getBigDecimal(3)), "numeric " + r.getBigDecimal(3));
                        check(at.isEqual(r.getObject(4, OffsetDateTime.class)), "timestamptz " + r.getObject(4, OffsetDateTime.class));
                        check(!r.next(), "one row only");
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT * FROM jdbc_no_such_table");
                check(false, "an error for a missing table");
            } catch (SQLException e) {
                check("42P01".equals(e.getSQLState()), "SQLSTATE " + e.getSQLState());
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE jdbc_items");
            }
        }
        System.out.println("jdbc ok");
    }
}
