/** `npm run log-user -- <userId>`: the pseudonym a user's id has in the logs (`"user":"u_…"`), to grep their lines. */
import { hashUser } from "../src/shared/log";

const userId = process.argv[2];
if (!userId) {
  console.error("usage: npm run log-user -- <userId>");
  process.exit(2);
}
console.log(hashUser(userId));
