import { Navigate, Outlet, useLocation } from "react-router";
import { useMe } from "../console/me";
import { useSignedIn } from "../hooks";
import { NotFound } from "../pages/NotFound";
import { ErrorNotice, Loading } from "./Notice";

/**
 * The operators' console: farm administrators only. Signed out, one is sent to log in; signed in
 * as anyone else, the console is a page that does not exist (nothing says it is there).
 */
export function RequireFarmAdmin() {
  const signedIn = useSignedIn();
  const location = useLocation();
  const { me, error } = useMe();
  if (!signedIn) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  if (!me) {
    if (error) return <ErrorNotice error={error} retry={() => window.location.reload()} />;
    return <Loading />;
  }
  if (!me.farm_admin) return <NotFound />;
  return <Outlet />;
}
