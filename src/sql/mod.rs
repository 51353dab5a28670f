//! SQL: parsing with sqlparser and binding into typed plans. (Built by the SQL engine work.)
