import { Navigate, Outlet, useLocation } from "react-router";
import { useSignedIn } from "../hooks";

/** Pages of a signed-in customer; others are sent to log in and brought back. */
export function RequireSignIn() {
  const signedIn = useSignedIn();
  const location = useLocation();
  if (!signedIn) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  return <Outlet />;
}
