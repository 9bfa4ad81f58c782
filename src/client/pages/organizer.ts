/**
 * The organizer page (/organizer): the org's events, each linking to its
 * dashboard, and the forms that create a performer, a venue, an event and
 * its waiting room (src/client/organizer/).
 */
import { startCreateForms } from "../organizer/create";
import { startEventList } from "../organizer/events";
import { startPage } from "../shell/account";

startPage();
startCreateForms(startEventList());
