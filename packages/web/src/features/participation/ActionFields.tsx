import { Button, DatePicker, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';

/** The agreed actions of a counseling record or an improvement plan: action, owner and deadline per row. */
export function ActionFields() {
  const { t } = useTranslation('participation');
  return (
    <Form.List name="actions">
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" wrap>
              <Form.Item name={[f.name, 'action']} rules={[{ required: true }]}>
                <Input placeholder={t('action')} />
              </Form.Item>
              <Form.Item name={[f.name, 'owner']} rules={[{ required: true }]}>
                <Input placeholder={t('owner')} />
              </Form.Item>
              <Form.Item name={[f.name, 'deadline']} rules={[{ required: true }]}>
                <DatePicker placeholder={t('deadline')} />
              </Form.Item>
              <Button type="link" onClick={() => remove(f.name)}>
                ×
              </Button>
            </Space>
          ))}
          <Button onClick={() => add()}>{t('addAction')}</Button>
        </>
      )}
    </Form.List>
  );
}

/** A date picker's value (dayjs), as far as the forms use it. */
export type DateLike = { format(f: string): string };
