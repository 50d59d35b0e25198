import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { Layout } from './components/Layout';
import { Loading, RouteError } from './components/States';
// The home page is where most visits start: in the main bundle, so its code does not wait
// for the app to start before loading (the other pages stay lazy).
import Home from './pages/Home';

/** Each page is its own chunk, loaded when first visited: the home page ships only what it needs. */
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({
  Component: (await load()).default,
});

const router = createBrowserRouter([
  {
    element: <Layout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <Loading label="Loading Corkboard…" />,
    children: [
      { index: true, Component: Home },
      { path: 'login', lazy: page(() => import('./pages/Login')) },
      { path: 'signup', lazy: page(() => import('./pages/Signup')) },
      { path: 'forgot-password', lazy: page(() => import('./pages/ForgotPassword')) },
      { path: 'reset-password', lazy: page(() => import('./pages/ResetPassword')) },
      { path: 'verify-email', lazy: page(() => import('./pages/VerifyEmail')) },
      { path: 'pin/:pinId', lazy: page(() => import('./pages/PinPage')) },
      { path: 'board/:boardId', lazy: page(() => import('./pages/BoardPage')) },
      { path: 'create', lazy: page(() => import('./pages/CreatePin')) },
      { path: 'user/:username', lazy: page(() => import('./pages/Profile')) },
      { path: 'developer', lazy: page(() => import('./pages/developer/MyApps')) },
      { path: 'developer/apps/new', lazy: page(() => import('./pages/developer/ConnectApp')) },
      { path: 'developer/apps/:appId', lazy: page(() => import('./pages/developer/ManageApp')) },
      { path: 'developer/apps/:appId/requests', lazy: page(() => import('./pages/developer/RequestLog')) },
      {
        path: 'developer/apps/:appId/requests/:requestId',
        lazy: page(() => import('./pages/developer/CallInspectorPage')),
      },
      { path: 'admin', lazy: page(() => import('./pages/admin/Admin')) },
      { path: 'business', lazy: page(() => import('./pages/business/BusinessSetup')) },
      { path: 'business/signup', lazy: page(() => import('./pages/business/BusinessSignup')) },
      { path: 'analytics', lazy: page(() => import('./pages/analytics/Analytics')) },
      { path: 'oauth', lazy: page(() => import('./pages/oauth/Consent')) },
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ],
  },
]);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network blip might.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
