import { Card } from 'antd';
import { useTranslation } from 'react-i18next';

export default function ResultsPage() {
  const { t } = useTranslation('results');
  return <Card title={t('title')} />;
}
