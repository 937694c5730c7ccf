import { Card } from 'antd';
import { useTranslation } from 'react-i18next';

export default function PlansPage() {
  const { t } = useTranslation('plans');
  return <Card title={t('title')} />;
}
