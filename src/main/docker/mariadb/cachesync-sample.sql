-- Run once by the MariaDB image at the first start of compose.yaml's mariadb service: a table for a CacheSync with a
-- mariadb source (docs/cache-sync.md). The user app (MARIADB_USER, password SHOP_DB_PASSWORD) owns database shop;
-- Debezium's MariaDB connector also needs to list databases and read the binlog.
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'app'@'%';

CREATE TABLE shop.products (
  id    INT PRIMARY KEY,
  name  VARCHAR(100) NOT NULL,
  price DECIMAL(10, 2) NOT NULL,
  stock INT NOT NULL
);
INSERT INTO shop.products (id, name, price, stock) VALUES
  (1, 'kettle', 39.90, 12),
  (2, 'teapot', 24.50, 30),
  (3, 'mug', 7.00, 200);
