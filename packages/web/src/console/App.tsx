import { lazy, Suspense, type ReactNode } from 'react';
import { ConfigProvider, Spin, App as AntApp } from 'antd';
// The ES builds: the CommonJS `antd/locale/*` default import is the whole module object under
// Vite 8, so every antd text (date pickers, empty tables, filters) fell back to English.
import zhCN from 'antd/es/locale/zh_CN';
import enUS from 'antd/es/locale/en_US';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { homePath, useMe } from './auth';
import { ConsoleLayout } from './Layout';
import { LoginPage } from './LoginPage';

const OrgsPage = lazy(() => import('../features/orgs/OrgsPage'));
const CyclesPage = lazy(() => import('../features/cycles/CyclesPage'));
const CyclePage = lazy(() => import('../features/cycles/CyclePage'));
const PlansPage = lazy(() => import('../features/plans/PlansPage'));
const PlanEditorPage = lazy(() => import('../features/plans/PlanEditorPage'));
const ValuesPage = lazy(() => import('../features/values/ValuesPage'));
const VerifyPage = lazy(() => import('../features/values/VerifyPage'));
const ResultsPage = lazy(() => import('../features/results/ResultsPage'));
const AuditPage = lazy(() => import('../features/audit/AuditPage'));
const SurveysPage = lazy(() => import('../features/surveys/SurveysPage'));
const SurveyPage = lazy(() => import('../features/surveys/SurveyPage'));
const RatingTasksPage = lazy(() => import('../features/evaluation/RatingTasksPage'));
const EvaluationPage = lazy(() => import('../features/evaluation/EvaluationPage'));
const AppealsPage = lazy(() => import('../features/appeals/AppealsPage'));
const ParticipationPage = lazy(() => import('../features/participation/ParticipationPage'));
const MonitoringPage = lazy(() => import('../features/monitoring/MonitoringPage'));
const TodoPage = lazy(() => import('../features/todo/TodoPage'));
const LinkagePage = lazy(() => import('../features/linkage/LinkagePage'));
const IndicatorsPage = lazy(() => import('../features/indicators/IndicatorsPage'));

// WCAG 2.1 AA: antd's secondary and tertiary greys (#8c8c8c, 3.4:1), its link blue (#1677ff, 4.1:1)
// and error red (#ff4d4f, 3.3:1) are too light for small text on white; these reach at least 4.5:1.
// (Tags and status texts: console.css.)
const THEME = {
  token: {
    colorPrimary: '#1d4f7a',
    colorLink: '#1d4f7a',
    colorError: '#cf1322',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    borderRadius: 4,
  },
};

function Center() {
  return (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin />
    </div>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isLoading) return <Center />;
  if (!me.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  // Until the user changes a password someone else set, the API answers only auth: the login page asks for it.
  if (me.data.mustChangePassword)
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

/** Each role lands on its own work. */
function Home() {
  const me = useMe();
  return <Navigate to={homePath(me.data)} replace />;
}

export function ConsoleApp() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={THEME}>
      <AntApp>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route
            element={
              <RequireAuth>
                <ConsoleLayout />
              </RequireAuth>
            }
          >
            <Route index element={<Home />} />
            <Route path="todo" element={<Lazy el={<TodoPage />} />} />
            <Route path="orgs" element={<Lazy el={<OrgsPage />} />} />
            <Route path="cycles" element={<Lazy el={<CyclesPage />} />} />
            <Route path="cycles/:id" element={<Lazy el={<CyclePage />} />} />
            <Route path="plans" element={<Lazy el={<PlansPage />} />} />
            <Route path="plans/:id" element={<Lazy el={<PlanEditorPage />} />} />
            <Route path="plans/:id/values" element={<Lazy el={<ValuesPage />} />} />
            <Route path="values" element={<Lazy el={<ValuesPage />} />} />
            <Route path="verify" element={<Lazy el={<VerifyPage />} />} />
            <Route path="results" element={<Lazy el={<ResultsPage />} />} />
            <Route path="audit" element={<Lazy el={<AuditPage />} />} />
            <Route path="surveys" element={<Lazy el={<SurveysPage />} />} />
            <Route path="surveys/:id" element={<Lazy el={<SurveyPage />} />} />
            <Route path="ratings" element={<Lazy el={<RatingTasksPage />} />} />
            <Route path="evaluation/:tab?" element={<Lazy el={<EvaluationPage />} />} />
            <Route path="appeals" element={<Lazy el={<AppealsPage />} />} />
            <Route path="participation/:tab?" element={<Lazy el={<ParticipationPage />} />} />
            <Route path="monitoring" element={<Lazy el={<MonitoringPage />} />} />
            <Route path="linkage/:tab?" element={<Lazy el={<LinkagePage />} />} />
            <Route path="indicators" element={<Lazy el={<IndicatorsPage />} />} />
            <Route path="*" element={<Home />} />
          </Route>
        </Routes>
      </AntApp>
    </ConfigProvider>
  );
}

function Lazy({ el }: { el: ReactNode }) {
  return <Suspense fallback={<Center />}>{el}</Suspense>;
}
