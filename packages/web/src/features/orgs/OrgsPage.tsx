import { Card } from 'antd';
import { useTranslation } from 'react-i18next';

export default function OrgsPage() {
  const { t } = useTranslation('orgs');
  return <Card title={t('title')} />;
}
