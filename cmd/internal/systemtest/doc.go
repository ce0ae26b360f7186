// Package systemtest holds the system tests of Tapline: the real server
// binary, built once, run as several processes on one MariaDB and one
// Redis (private instances started by the tests, or a fresh database on
// the shared MariaDB of TAPLINE_TEST_MYSQL_DSN), with fake platform APIs,
// under faults: Redis and MariaDB restarts, failing platform APIs, a
// worker killed mid-delivery (issue 7).
//
// The package has no code outside its tests. The tests need redis-server,
// mariadbd and mariadb-install-db on PATH; without them they skip, unless
// TAPLINE_SYSTEM_TESTS=require (set by .ci/run), which turns the skip into
// a failure.
package systemtest
