import { Card } from 'antd';
import { useTranslation } from 'react-i18next';

export default function AuditPage() {
  const { t } = useTranslation('audit');
  return <Card title={t('title')} />;
}
