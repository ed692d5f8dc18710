// node-postgres logs in with the URI given and prints current_user|session_user.
const { Client } = require("pg");

const client = new Client({ connectionString: process.argv[2] });
client
  .connect()
  .then(() => client.query("select current_user || '|' || session_user as who"))
  .then((result) => {
    console.log(result.rows[0].who);
    return client.end();
  })
  .catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
