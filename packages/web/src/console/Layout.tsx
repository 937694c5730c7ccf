import { useEffect, useState, type ReactNode } from 'react';
import {
  Breadcrumb,
  Button,
  Dropdown,
  Layout,
  Menu,
  Modal,
  Segmented,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import {
  ApartmentOutlined,
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  BellOutlined,
  BookOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  ExclamationCircleOutlined,
  FormOutlined,
  GlobalOutlined,
  InboxOutlined,
  LinkOutlined,
  LogoutOutlined,
  ProfileOutlined,
  SafetyOutlined,
  SolutionOutlined,
  StarOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { pick, setLang, type Lang } from '../i18n';
import { homePath, useLogout, useMe } from './auth';
import { CrumbContext, type Crumb } from './crumbs';
import NotificationBell from '../features/monitoring/NotificationBell';
import { TotpSetup } from '../features/onboarding/ChangePassword';
import { NotificationSettings } from '../features/notifications/NotificationSettings';

const { Header, Sider, Content } = Layout;
/** The page a session landed on (sessionStorage), the only one that says 这是您的首次登录. */
export const LANDING_KEY = 'pc_landing';

export function ConsoleLayout() {
  const { t, i18n } = useTranslation('console');
  const me = useMe().data!;
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const [crumbs, setCrumbs] = useState<Crumb[]>([]);
  const [collapsed, setCollapsed] = useState(false);
  const [totpOpen, setTotpOpen] = useState(false);
  const [notifyOpen, setNotifyOpen] = useState(false);
  const last = me.lastLogin;
  const failed = last?.failedAttemptsSince ?? 0;
  // A first login is announced on the page it lands on, not on every page of the session.
  // (the index route redirects, so the landing page is the first one other than `/`; kept for the tab's
  // session so that reloading another page does not announce it again)
  const [landing, setLanding] = useState<string | null>(() => sessionStorage.getItem(LANDING_KEY));
  useEffect(() => {
    if (landing === null && location.pathname !== '/') {
      sessionStorage.setItem(LANDING_KEY, location.pathname);
      setLanding(location.pathname);
    }
  }, [landing, location.pathname]);
  const lastText = last?.at
    ? t('header.lastLogin', { at: new Date(last.at).toLocaleString(i18n.language), ip: last.ip ?? '—' })
    : landing === null || location.pathname === landing
      ? t('header.firstLogin')
      : '';
  // Which pages the user may open comes from the server (`capabilities.pages`), as its services decide.
  const pages = me.capabilities.pages;

  const items = [
    { key: '/todo', icon: <InboxOutlined />, label: t('todo:nav') },
    { key: '/cycles', icon: <CalendarOutlined />, label: t('nav.cycles') },
    { key: '/plans', icon: <ProfileOutlined />, label: t('nav.plans') },
    pages.indicators && {
      key: '/indicators',
      icon: <BookOutlined />,
      label: t('indicators:nav'),
    },
    { key: '/values', icon: <FormOutlined />, label: t('nav.values') },
    pages.verify && {
      key: '/verify',
      icon: <CheckSquareOutlined />,
      label: t('nav.verify'),
    },
    { key: '/ratings', icon: <StarOutlined />, label: t('evaluation:nav.ratings') },
    pages.evaluation && {
      key: '/evaluation',
      icon: <ClusterOutlined />,
      label: t('evaluation:nav.evaluation'),
    },
    pages.surveys && { key: '/surveys', icon: <SolutionOutlined />, label: t('surveys:title') },
    { key: '/results', icon: <BarChartOutlined />, label: t('nav.results') },
    pages.appeals && {
      key: '/appeals',
      icon: <ExclamationCircleOutlined />,
      label: t('appeals:nav'),
    },
    pages.monitoring && {
      key: '/monitoring',
      icon: <AlertOutlined />,
      label: t('monitoring:nav'),
    },
    pages.participation && {
      key: '/participation',
      icon: <TeamOutlined />,
      label: t('participation:nav'),
    },
    pages.linkage && {
      key: '/linkage',
      icon: <LinkOutlined />,
      label: t('linkage:nav'),
    },
    { key: '/orgs', icon: <ApartmentOutlined />, label: t('nav.orgs') },
    me?.canReadAudit && { key: '/audit', icon: <AuditOutlined />, label: t('nav.audit') },
  ].filter(Boolean) as { key: string; icon: ReactNode; label: string }[];
  const home = homePath(me);
  // A plan's data entry (/plans/:id/values) belongs to 数据填报, not to 绩效计划.
  const path = /^\/plans\/[^/]+\/values/.test(location.pathname) ? '/values' : location.pathname;
  const selected = items.find((i) => path.startsWith(i.key))?.key ?? home;

  return (
    <CrumbContext.Provider value={setCrumbs}>
      <Layout style={{ minHeight: '100vh' }}>
        <Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} width={216} breakpoint="lg">
          <div className="pc-brand">{collapsed ? t('common:app.name').slice(0, 2) : t('title')}</div>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[selected]}
            items={items}
            onClick={(e) => navigate(e.key)}
            data-testid="side-menu"
          />
        </Sider>
        <Layout>
          <Header
            style={{
              background: '#fff',
              padding: '0 20px',
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'space-between',
              borderBottom: '1px solid #f0f0f0',
              gap: 16,
            }}
          >
            <Breadcrumb
              data-testid="breadcrumbs"
              items={[
                { title: <Link to={home}>{t('nav.home')}</Link> },
                ...crumbs.map((c) => ({ title: c.to ? <Link to={c.to}>{c.title}</Link> : c.title })),
              ]}
            />
            <Space size="middle">
              {/* MLPS: the user sees the previous login and the failed attempts since, to notice misuse. */}
              <Tooltip title={failed > 0 ? t('header.failedSince', { count: failed }) : undefined}>
                <Typography.Text
                  type={failed > 0 ? 'danger' : 'secondary'}
                  style={{ fontSize: 12 }}
                  data-testid="last-login"
                >
                  {lastText}
                  {failed > 0 && ` · ${t('header.failedSince', { count: failed })}`}
                </Typography.Text>
              </Tooltip>
              <NotificationBell />
              <Button type="link" href="/" icon={<GlobalOutlined />}>
                {t('nav.portal')}
              </Button>
              <Segmented
                size="small"
                data-testid="lang-switch"
                value={i18n.language}
                onChange={(v) => setLang(v as Lang)}
                options={[
                  { label: t('common:lang.zh-CN'), value: 'zh-CN' },
                  { label: t('common:lang.en'), value: 'en' },
                ]}
              />
              <Dropdown
                menu={{
                  items: [
                    {
                      key: 'roles',
                      disabled: true,
                      label: (
                        <Space wrap size={4}>
                          {me.roles.map((r, i) => (
                            <Tag key={i}>{t(`role.${r.role}`)}</Tag>
                          ))}
                        </Space>
                      ),
                    },
                    { type: 'divider' },
                    {
                      key: 'totp',
                      icon: <SafetyOutlined />,
                      // With a second factor, how many recovery codes remain.
                      label:
                        me?.recoveryCodesLeft != null
                          ? `${t('header.totp')} · ${t('totp.codesLeft', { count: me.recoveryCodesLeft })}`
                          : t('header.totp'),
                    },
                    { key: 'notify', icon: <BellOutlined />, label: t('notifications:title') },
                    { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout') },
                  ],
                  onClick: async (e) => {
                    if (e.key === 'totp') setTotpOpen(true);
                    if (e.key === 'notify') setNotifyOpen(true);
                    if (e.key === 'logout') {
                      await logout();
                      navigate('/login');
                    }
                  },
                }}
              >
                <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
                  <Typography.Text>{pick(i18n.language, me.displayName, me.displayNameEn)}</Typography.Text>
                </Button>
              </Dropdown>
            </Space>
          </Header>
          <Content style={{ margin: 20 }}>
            <Outlet />
          </Content>
          <Modal open={totpOpen} onCancel={() => setTotpOpen(false)} footer={null} destroyOnHidden>
            <TotpSetup user={me} onDone={() => setTotpOpen(false)} />
          </Modal>
          <Modal open={notifyOpen} onCancel={() => setNotifyOpen(false)} footer={null} destroyOnHidden>
            <NotificationSettings onDone={() => setNotifyOpen(false)} />
          </Modal>
        </Layout>
      </Layout>
    </CrumbContext.Provider>
  );
}
