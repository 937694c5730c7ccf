import { Card } from 'antd';
import { useTranslation } from 'react-i18next';

export default function CyclePage() {
  const { t } = useTranslation('cycles');
  return <Card title={t('title')} />;
}
