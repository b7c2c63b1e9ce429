// Fails loudly when a variable a script depends on is missing (e.g. test:pg without TEST_DATABASE_URL would
// silently test PGlite instead of PostgreSQL).
for (const name of process.argv.slice(2)) {
  if (!process.env[name]) {
    console.error(`${name} must be set, e.g. ${name}=postgres://postgres@127.0.0.1:5432/test`);
    process.exit(2);
  }
}
