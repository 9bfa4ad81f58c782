/**
 * An event's dashboard (/organizer/events/:id): the sales report, chart and
 * downloads, then the panels (bookings and refunds, seats off sale, the
 * event's image, fees and tax, presale and promo codes, cancellation), each
 * a module of src/client/dashboard/
 * given the shared Dashboard. The report listens first (after a change it is read again
 * before the panels are), and the dashboard opens only once every panel
 * listens for `dashboard-ready`.
 */
import { opener } from "../dashboard/access";
import { startBlocks } from "../dashboard/blocks";
import { startCancel } from "../dashboard/cancel";
import { startCodes } from "../dashboard/codes";
import { makeDashboard } from "../dashboard/context";
import { startDownloads } from "../dashboard/downloads";
import { startFees } from "../dashboard/fees";
import { startImage } from "../dashboard/image";
import { startRefunds } from "../dashboard/refunds";
import { startReport } from "../dashboard/report";
import { startPage } from "../shell/account";
import { pageData } from "../shell/page";

startPage();
const dashboard = makeDashboard(pageData<{ eventId: string }>().eventId);
const start = opener(dashboard, startReport(dashboard));
startDownloads(dashboard);
document.addEventListener("account-changed", () => void start());
startRefunds(dashboard);
startBlocks(dashboard);
startImage(dashboard);
startFees(dashboard);
startCodes(dashboard);
startCancel(dashboard);
void start();
