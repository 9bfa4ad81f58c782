/** The waiting room (/events/:id/queue): the fan's place in line, and the waitlist panel for when the event is sold out. */
import { startWaitingRoom } from "../queue/waiting-room";
import { startPage } from "../shell/account";
import { startWaitlistPanel } from "../waitlist/panel";

startPage();
startWaitingRoom();
startWaitlistPanel();
