// pgjdbc logs in with the JDBC URL given and prints current_user|session_user.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

public class Probe {
    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0]);
             ResultSet row = connection.createStatement()
                 .executeQuery("select current_user || '|' || session_user")) {
            row.next();
            System.out.println(row.getString(1));
        }
    }
}
