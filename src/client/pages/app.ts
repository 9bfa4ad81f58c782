/** Pages with nothing of their own to run (not found, a cancelled event, the dev mailbox) still draw the account widget. */
import { startPage } from "../shell/account";

startPage();
